from roles.cli import main

raise SystemExit(main())

from loket.cli import main

raise SystemExit(main())

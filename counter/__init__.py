"""Qt UI for staff: counter workstation, reception and manager views."""

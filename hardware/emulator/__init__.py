"""Stand-ins for devices that speak the real protocols: an ESC/POS network printer and a
vpcd virtual smart card. Used by the tests and by ``loket hardware check`` without hardware."""

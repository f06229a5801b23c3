"""The kiosk's screens, one visitor step each; ``kiosk.kiosk_window`` moves between them."""

"""Qt UI for the public: the touch kiosk and the waiting-room display."""

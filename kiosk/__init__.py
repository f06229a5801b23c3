"""Every public screen: the touch kiosk at the entrance (check in, take a number, rate
a visit) and the waiting-room display (calls, chime and speech, waits per service).

A thin Qt layer over ``loket.services`` and ``loket.views``, with the pieces the staff
screens share too (``kiosk.live_feed``: the event source; ``kiosk.fit_text``). The
windows are put together with their devices in ``roles`` (the composition root).
"""

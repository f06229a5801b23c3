"""Every staff screen: the counter workstation, reception (check-in, numbers, the
appointment calendar, the live queue) and the team leader's manager window.

A thin Qt layer: each window calls ``loket.services.Loket`` and shows ``loket.views``;
it never opens a database session (tests/test_layering.py). The windows are put
together with their devices in ``roles`` (the composition root).
"""

"""Planning and dispatch for the front desk: plain data in, plain data out.

No Qt, no database, nothing from ``loket``. Entry points:

* ``scheduler.dispatch.choose_next`` - which ticket a free counter calls, and why.
* ``scheduler.prediction.predict_wait`` - expected wait for a new ticket.
* ``scheduler.planning.plan_day`` - staffing need, roster and appointment slots for a day.
* ``scheduler.forecast.build_forecast`` - demand and service times from history.
* ``scheduler.cli.simulate_main`` - the simulator behind ``loket simulate``.
"""

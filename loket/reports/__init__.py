"""Reports for management and council: the norm, satisfaction and demand over any period.

- ``figures``: the figures, computed from data without personal details;
- ``render``: JSON and CSV (Dutch Excel); ``pdf``: the A4 PDF with charts;
- ``mail``: the monthly mail and its claim; ``service``: ``ReportService``;
- ``texts``: every word, in Dutch (B1) and English.
"""

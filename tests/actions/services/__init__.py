"""Services: their data and corrections, the directory database, opening hours, routing and the summary."""

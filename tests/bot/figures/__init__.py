"""Anonymous figures: counting, outputs, the dashboard, its sign-in, and the widget's counts endpoint."""

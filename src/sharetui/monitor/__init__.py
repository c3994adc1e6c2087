"""Running the monitor without drawing it: the session's policy (role, pause, interval, status), the service
that polls every account and assembles what is shown, the poller, alert hooks and the Prometheus metrics."""

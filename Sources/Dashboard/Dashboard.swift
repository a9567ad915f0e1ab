// Dashboard: view state and pure renderers into a Canvas (see the dashboard issue).

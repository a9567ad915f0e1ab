// Telemetry: Snapshot and stats types (see the proxy-engine work).

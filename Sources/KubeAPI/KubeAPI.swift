// Kubernetes-compatible HTTP API over the store (see the DNS/API issue).

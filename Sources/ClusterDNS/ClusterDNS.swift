// Cluster DNS server for cluster.local (see the DNS/API issue).

"""The network layer: DNS answers and HTTP fetches, each pinned to an address family."""

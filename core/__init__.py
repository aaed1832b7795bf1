"""yibao core: domain, services, storage, hook specifications and the plugin host."""

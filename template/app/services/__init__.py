"""Business logic over the repository Protocol and the cache."""

"""Settings, middleware, logging and error handling shared by the whole service."""

"""Services: the operations every face (CLI, API, MCP) calls."""

"""The views of ``datamill serve``: one module per kind of resource."""

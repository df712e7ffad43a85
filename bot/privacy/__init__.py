"""What a person can see, take and delete: /privacy, /export, /delete, retention, key rotation."""

"""HTML renderers: domain results -> Telegram HTML text."""

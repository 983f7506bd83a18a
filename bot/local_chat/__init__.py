"""Talk to the bot in a terminal: the same dispatcher, no Telegram, no network.

``session.TerminalSession`` stands in for the Bot API (what the bot sends is printed);
``console.LocalChat`` turns typed lines into updates and feeds them to the dispatcher.
"""

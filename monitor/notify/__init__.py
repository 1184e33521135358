"""Notifications: what a new item or meeting report says, and how it reaches people.

``message`` holds the frozen values (pure); ``render`` turns them into a subject
and bodies with the channel's templates; ``channels`` delivers one message to one
webhook, mailbox or Apprise URL and returns a ``Delivery`` instead of raising.
"""

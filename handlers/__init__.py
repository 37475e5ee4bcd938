"""The product: platform-neutral command handling for a board's action log.

Nothing here imports a chat SDK. Adapters in ``bot/`` turn platform payloads into an
``Invocation`` plus command text, call ``handlers.dispatch.handle`` and render the ``Reply``.
"""

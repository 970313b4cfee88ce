"""A signed-out or deactivated user keeps no live chat socket.

Sockets are authenticated once, at the handshake; these receivers route a
per-user close event to every process so the sockets close at once.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import BlockedWord
from .selectors import blocked_words_forget
from .services import user_chat_sockets_close


@receiver(user_logged_out, dispatch_uid="community_close_sockets_on_logout")
def close_sockets_on_logout(sender, request, user, **kwargs) -> None:
    if user is not None and user.pk is not None:
        user_chat_sockets_close(
            user_id=user.pk, error_code="not_authenticated", reason="You signed out."
        )


@receiver(post_save, dispatch_uid="community_close_sockets_on_deactivation")
def close_sockets_on_deactivation(sender, instance, created, **kwargs) -> None:
    if sender is not get_user_model() or created or instance.is_active:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "is_active" not in update_fields:
        return
    user_chat_sockets_close(
        user_id=instance.pk,
        error_code="forbidden",
        reason="This account is inactive.",
    )


@receiver(post_save, sender=BlockedWord, dispatch_uid="community_word_filter_saved")
@receiver(post_delete, sender=BlockedWord, dispatch_uid="community_word_filter_deleted")
def forget_word_filter(sender, **kwargs) -> None:
    # This process re-reads at once; others within BLOCKED_WORDS_TTL.
    blocked_words_forget()

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

import factory

from community.models import MODERATORS_GROUP, Message, Room


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.test")
    first_name = factory.Sequence(lambda n: f"Member {n}")
    password = factory.django.Password("secret-pass-123")


def moderators_group() -> Group:
    """The Moderators group with its permissions. community's migrations make
    it; transactional tests elsewhere flush migration data, so apply the same
    grants again."""
    from importlib import import_module

    from django.apps import apps

    for name in ("0002_moderators_group", "0003_admin_permissions"):
        import_module(f"community.migrations.{name}").grant(apps, None)
    return Group.objects.get(name=MODERATORS_GROUP)


class ModeratorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"moderator{n}")

    @factory.post_generation
    def moderators_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(moderators_group())


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"room-{n}")
    title = factory.LazyAttribute(lambda room: room.slug.replace("-", " ").title())
    topic = "Plants"


class MessageFactory(factory.django.DjangoModelFactory):
    """A published message with the room's next sequence number."""

    class Meta:
        model = Message

    room = factory.SubFactory(RoomFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"message {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from community.services import chat_message_seed

        return chat_message_seed(
            room=kwargs["room"], author=kwargs["author"], body=kwargs["body"]
        )

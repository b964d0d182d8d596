"""A seller's webhook URL and secret move from two clear columns into one sealed blob
(notifications/webhook_sealing.py); existing values are sealed on the way, and back in the clear
if the migration is reversed."""
from django.db import migrations, models

from notifications.webhook_sealing import webhook_seal, webhook_unseal


def seal_existing(apps, schema_editor):
    SellerProfile = apps.get_model("notifications", "SellerProfile")
    for profile in SellerProfile.objects.exclude(webhook_url=""):
        profile.webhook_sealed, profile.webhook_key_id = webhook_seal(
            user_id=profile.user_id, url=profile.webhook_url, secret=profile.webhook_secret)
        profile.save(update_fields=["webhook_sealed", "webhook_key_id"])


def open_existing(apps, schema_editor):
    SellerProfile = apps.get_model("notifications", "SellerProfile")
    for profile in SellerProfile.objects.exclude(webhook_sealed=b""):
        values = webhook_unseal(user_id=profile.user_id, blob=profile.webhook_sealed)
        profile.webhook_url, profile.webhook_secret = values["url"], values["secret"]
        profile.save(update_fields=["webhook_url", "webhook_secret"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_account_attention_kind")]

    operations = [
        migrations.AddField("sellerprofile", "webhook_sealed", models.BinaryField(blank=True, default=b"", editable=False)),
        migrations.AddField("sellerprofile", "webhook_key_id", models.CharField(blank=True, editable=False, max_length=16)),
        migrations.RunPython(seal_existing, open_existing),
        migrations.RemoveField("sellerprofile", "webhook_url"),
        migrations.RemoveField("sellerprofile", "webhook_secret"),
    ]

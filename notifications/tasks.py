from boomer_site.tasking import boomer_task
from notifications.services import notification_send


@boomer_task(name="notifications.send", queue="default")
def notification_send_task(notification_id):
    notification_send(notification_id=notification_id)

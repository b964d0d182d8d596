from boomer_site.tasking import boomer_task
from listings.notifications import notification_send


@boomer_task(name="listings.notification_send", queue="default")
def notification_send_task(notification_id):
    notification_send(notification_id=notification_id)

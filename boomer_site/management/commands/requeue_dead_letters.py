
from boomer_site.commands import DatabaseCommand
from boomer_site.deadletters import deadletter_requeue
from boomer_site.models import DeadLetter


class Command(DatabaseCommand):
    help = "Replay dead letters that have not been replayed yet (optionally only one task's)."

    def add_arguments(self, parser):
        parser.add_argument("--task", help="only this task name, e.g. agents.vision")
        parser.add_argument("--id", type=int, action="append", dest="ids", help="only these dead letters")

    def handle(self, *args, task=None, ids=None, **options):
        letters = DeadLetter.objects.filter(requeued_at__isnull=True).order_by("created_at")
        if task:
            letters = letters.filter(task_name=task)
        if ids:
            letters = letters.filter(pk__in=ids)
        count = 0
        for letter in letters.iterator():
            self.stdout.write(f"#{letter.pk} {letter.task_name}: {deadletter_requeue(dead_letter=letter)}")
            count += 1
        self.stdout.write(f"{count} dead letter(s) replayed")

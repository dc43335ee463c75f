from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark (``make bench``, ``make soak``): installed only by ``bench.settings``,
    so production never mounts its baseline endpoint or creates its table."""

    name = "bench"
    verbose_name = "Benchmark"
    default_auto_field = "django.db.models.BigAutoField"

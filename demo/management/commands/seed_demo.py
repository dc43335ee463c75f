from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts import services
from accounts.models import Membership, Organization, User
from core.models import CatalogItem
from demo import complaints as demo_complaints
from demo import contracts as demo_contracts
from demo import data
from demo import financing as demo_financing
from demo import live as demo_live
from demo import procurement as demo_procurement
from disclosure.indexing import reindex
from disclosure.services import agency_practice_recompute

FINANCE_ADMIN_GROUP = "财政局管理员"
# Models finance-bureau administrators manage in the admin (view + change;
# add where a record may be created by hand). Audit events are view-only.
FINANCE_ADMIN_APPS = ("accounts", "core", "audit", "axes", "workdays", "deadlines",
                      "notifications", "procurement")


class Command(BaseCommand):
    help = "Load the demo district (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="load the demo even with DJANGO_DEBUG off (never in production)")

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with a published password: it runs "
                               "only with DJANGO_DEBUG=true (or --force on a demo server).")
        orgs = self._organizations()
        self._people(orgs)
        self._experts(orgs)
        self._finance_admin_group()
        self._superuser()
        demo_procurement.seed(orgs)
        demo_financing.seed(orgs)
        demo_contracts.seed(orgs)
        live = demo_live.seed(orgs)
        demo_complaints.seed(orgs)
        # The portal's index, whole: some demo states are written with update(), which
        # sends no post_save for the portal to hear.
        reindex()
        # The agencies' practice is counted daily; the demo shows it at once.
        agency_practice_recompute()
        self._print_logins()
        self._print_live(live)

    def _organizations(self):
        orgs = {}
        for key, name, kind, prefix, body, extra in data.ORGANIZATIONS:
            code = data.credit_code(prefix, body)
            org = Organization.objects.filter(credit_code=code).first()
            if org is None:
                fields = dict(extra)
                parent_key = fields.pop("parent", None)
                if parent_key:
                    fields["parent"] = orgs[parent_key]
                org = services.organization_create(name=name, kind=kind, credit_code=code,
                                                   **fields)
            orgs[key] = org
        return orgs

    def _user(self, username, real_name, mobile, *, is_staff=False):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.user_create(username=username, password=data.PASSWORD,
                                        real_name=real_name, mobile=mobile,
                                        email=f"{username}@demo.example.cn")
        if is_staff and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        return user

    def _people(self, orgs):
        for username, real_name, mobile, org_key, roles, is_staff in data.PEOPLE:
            user = self._user(username, real_name, mobile, is_staff=is_staff)
            for role in roles:
                if not Membership.objects.filter(user=user, organization=orgs[org_key],
                                                 role=role).exists():
                    services.membership_grant(user=user, organization=orgs[org_key], role=role)

    def _experts(self, orgs):
        for (username, real_name, mobile, title, employer_key, employer_name, codes,
             avoid_keys) in data.EXPERTS:
            user = self._user(username, real_name, mobile)
            if hasattr(user, "expert_profile"):
                continue
            services.expert_profile_save(
                user=user, title=title,
                employer=orgs[employer_key] if employer_key else None,
                employer_name=employer_name,
                specialities=list(CatalogItem.objects.filter(code__in=codes)),
                avoidances=[orgs[k] for k in avoid_keys],
            )

    def _finance_admin_group(self):
        group, _ = Group.objects.get_or_create(name=FINANCE_ADMIN_GROUP)
        perms = Permission.objects.filter(content_type__app_label__in=FINANCE_ADMIN_APPS)
        # The audit trail, clocks and outbox change only through their services.
        perms = perms.exclude(content_type__app_label__in=["audit", "deadlines", "notifications"],
                              codename__regex=r"^(add|change|delete)_")
        # Of procurement, administrators maintain the reference data only.
        perms = perms.exclude(content_type__app_label="procurement",
                              codename__regex=r"^(add|change|delete)_(?!fairnesspattern|threshold)")
        group.permissions.set(perms)
        User.objects.get(username="czj_admin").groups.add(group)

    def _superuser(self):
        if not User.objects.filter(username="admin").exists():
            user = services.user_create(username="admin", password=data.PASSWORD,
                                        real_name="平台运维", mobile="13900000000")
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])

    def _print_logins(self):
        w = self.stdout.write
        w(self.style.SUCCESS("Demo data ready. Every demo login uses the password "
                             f"{data.PASSWORD}"))
        rows = [("admin", "平台运维 (superuser)", "/admin/")]
        for username, real_name, _m, org_key, roles, _s in data.PEOPLE:
            org = next(o for o in data.ORGANIZATIONS if o[0] == org_key)
            kind = org[2]
            space = {"purchaser": "/purchaser/", "agency": "/agency/",
                     "central_agency": "/agency/", "supplier": "/supplier/",
                     "finance": "/supervision/", "bank": "/bank/"}[kind]
            rows.append((username, f"{real_name} · {org[1]} · {'/'.join(roles)}", space))
        rows += [(e[0], f"{e[1]} · 评审专家 {e[3]}", "/expert/") for e in data.EXPERTS]
        for username, who, space in rows:
            w(f"  {username:<10} {space:<14} {who}")

    def _print_live(self, live):
        w = self.stdout.write
        project, lot = live["live"], live["scoring"]
        at = timezone.localtime(project.bid_deadline)
        w(self.style.SUCCESS(f"Live tender: “{project.title}” ({project.code}) closes and "
                             f"opens by itself at {at:%H:%M} (Asia/Shanghai), with "
                             f"{project.lots.get().bids.count()} sealed bids — "
                             "log in as jyj_jb or gys8 to watch it."))
        names = ", ".join(f"{u.username} ({u.display_name})"
                          for u in demo_live.committee_of(lot))
        w(self.style.SUCCESS(f"Waiting for scores: “{lot.project.title}”, committee {names} "
                             "— their /expert/ page opens the scoring."))

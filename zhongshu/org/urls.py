from django.urls import path

from . import views_admin, views_auth, views_directory, views_org

app_name = "org"

urlpatterns = [
    # Sign-in and the user's own account (views_auth).
    path("login/", views_auth.login_view, name="login"),
    path("login/verify/", views_auth.login_verify, name="login_verify"),
    path("logout/", views_auth.logout_view, name="logout"),
    path("lang/", views_auth.set_language, name="set_language"),
    path("account/", views_auth.profile, name="profile"),
    path("account/password/", views_auth.password_change, name="password_change"),
    path("account/two-factor/", views_auth.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/disable/", views_auth.two_factor_disable, name="two_factor_disable"),
    path("directory/", views_directory.directory, name="directory"),
    # Organisation maintenance by office staff with the organisation role (views_org).
    path("org/", views_org.department_list, name="department_list"),
    path("org/departments/new/", views_org.department_create, name="department_create"),
    path("org/departments/<int:pk>/edit/", views_org.department_edit, name="department_edit"),
    path("org/departments/<int:pk>/delete/", views_org.department_delete, name="department_delete"),
    path("org/units/", views_org.unit_list, name="unit_list"),
    path("org/units/new/", views_org.unit_create, name="unit_create"),
    path("org/units/<int:pk>/edit/", views_org.unit_edit, name="unit_edit"),
    path("org/positions/", views_org.position_list, name="position_list"),
    path("org/positions/new/", views_org.position_create, name="position_create"),
    path("org/positions/<int:pk>/edit/", views_org.position_edit, name="position_edit"),
    path("org/positions/<int:pk>/delete/", views_org.position_delete, name="position_delete"),
    path("org/people/", views_org.person_list, name="person_list"),
    path("org/people/new/", views_org.person_create, name="person_create"),
    path("org/people/<int:pk>/", views_org.person_detail, name="person_detail"),
    path("org/people/<int:pk>/edit/", views_org.person_edit, name="person_edit"),
    path("org/people/<int:pk>/posts/new/", views_org.post_create, name="post_create"),
    path("org/posts/<int:pk>/delete/", views_org.post_delete, name="post_delete"),
    path("org/import/", views_org.import_upload, name="import"),
    path("org/import/template.xlsx", views_org.import_template, name="import_template"),
    path("org/export/departments.xlsx", views_org.export_departments, name="export_departments"),
    path("org/export/people.xlsx", views_org.export_people, name="export_people"),
    # The three separated administrators (views_admin).
    path("admin/accounts/", views_admin.account_list, name="account_list"),
    path("admin/accounts/new/", views_admin.account_create, name="account_create"),
    path("admin/accounts/<int:pk>/", views_admin.account_detail, name="account_detail"),
    path(
        "admin/accounts/<int:pk>/<str:action>/", views_admin.account_action, name="account_action"
    ),
    path("admin/config/", views_admin.config_edit, name="config_edit"),
    path("admin/grants/", views_admin.grant_list, name="grant_list"),
    path("admin/grants/<int:pk>/", views_admin.grant_edit, name="grant_edit"),
]

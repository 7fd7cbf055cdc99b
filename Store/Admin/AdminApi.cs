using Store.Admin.Config;
using Store.Admin.JobsCleanup;
using Store.Admin.JobsStorage;
using Store.Admin.Pref;
using Store.Auth;
using Store.Http;

namespace Store.Admin;

/// <summary>The /admin routes, for admins only.</summary>
public static class AdminApi
{
    public static void MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = ApiArea.Map(app, "/admin", "Admin").Group(Access.Admin);
        admin.MapAdminConfig();
        admin.MapAdminPref();
        admin.MapJobsStorage();
        admin.MapJobsCleanup();
    }
}

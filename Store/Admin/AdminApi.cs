using Store.Admin.Config;
using Store.Admin.JobsCleanup;
using Store.Admin.JobsStorage;
using Store.Admin.Pref;

namespace Store.Admin;

/// <summary>The /admin routes.</summary>
public static class AdminApi
{
    public static void MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("").WithTags("Admin");
        admin.MapAdminConfig();
        admin.MapAdminPref();
        admin.MapJobsStorage();
        admin.MapJobsCleanup();
    }
}

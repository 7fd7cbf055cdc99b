using Store.Auth;
using Store.Http;
using Store.Integrity.Audit;
using Store.Integrity.ClearOrphans;

namespace Store.Integrity;

/// <summary>The /system routes: the integrity audit and its repair, for admins only.</summary>
public static class SystemApi
{
    public static void MapSystemApi(this IEndpointRouteBuilder app)
    {
        var system = ApiArea.Map(app, "/system", "System").Group(Access.Admin);
        system.MapAudit();
        system.MapClearOrphans();
    }
}

using Store.Integrity.Audit;
using Store.Integrity.ClearOrphans;

namespace Store.Integrity;

/// <summary>The /system routes: the integrity audit and its repair.</summary>
public static class SystemApi
{
    public static void MapSystemApi(this IEndpointRouteBuilder app)
    {
        var system = app.MapGroup("").WithTags("System");
        system.MapAudit();
        system.MapClearOrphans();
    }
}

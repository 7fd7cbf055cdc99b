namespace ReadBench;

/// <summary>
/// The ceiling: Kestrel with a minimal-API route answering one entity's JSON, no database, no auth, no middleware.
/// Built like Store (slim builder, warnings-only logging), so the difference is what Store does per request.
/// </summary>
static class Bare
{
    public static async Task<int> RunAsync(int port, string json)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/entities/{id:long}", (long id) => Results.Text(json, "application/json"));
        await app.RunAsync();
        return 0;
    }
}

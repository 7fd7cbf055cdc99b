using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Store.Media;

namespace Store.Tests.Infrastructure;

/// <summary>
/// One ExifTool pool for every service of the run that keeps the default ExifTool options, as one service keeps its
/// ExifTools for its whole life. Hundreds of short-lived test services would otherwise each start Perl and load
/// ExifTool on their first upload (a fifth of a second of CPU and more, the largest share of a small upload's
/// cost), and on their way out wait for it to leave. The ExifTools stay real, in -stay_open mode, answering one file
/// per command exactly as in a service. A test that sets its own ExifTool options (ExifToolPoolTests: a hung, a
/// crashed, a pool of one that must stop with its app) gets a pool of its own, owned and disposed by its app.
/// </summary>
public static class SharedExifTool
{
    static readonly Lazy<ExifToolPool> Pool = new(() =>
    {
        var pool = new ExifToolPool(new MediaToolOptions());
        AppDomain.CurrentDomain.ProcessExit += (_, _) => pool.Dispose();
        return pool;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Gives the service the shared pool unless its ExifTool options differ from the defaults.</summary>
    public static void UseIfDefault(WebApplicationBuilder builder)
    {
        var options = builder.Services.Last(d => d.ServiceType == typeof(MediaToolOptions)).ImplementationInstance as MediaToolOptions;
        var defaults = new MediaToolOptions();
        if (options is null || options.ExifToolPath != defaults.ExifToolPath || options.ExifToolProcesses != defaults.ExifToolProcesses
            || options.ExifToolTimeout != defaults.ExifToolTimeout) return;
        builder.Services.AddSingleton(Pool.Value);
    }
}

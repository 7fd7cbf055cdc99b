using System.Text.Json;

namespace Store.Observability;

/// <summary>One line a log entry on stdout, plain or JSON (LOG_FORMAT), from LOG_LEVEL up.</summary>
public static class LogSetup
{
    const string Timestamp = "yyyy-MM-ddTHH:mm:ss.fffZ";

    public static void ConfigureStoreLogging(this ILoggingBuilder logging, ObservabilityOptions options)
    {
        logging.ClearProviders();
        if (options.LogJson)
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = Timestamp;
                o.JsonWriterOptions = new JsonWriterOptions { Indented = false };
            });
        else
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = Timestamp + " ";
            });
        ConsoleLines.ReplaceConsoleLogger(logging);
        logging.SetMinimumLevel(options.LogLevel);
        // The framework's own information lines repeat ours (a line per request, "Now listening on"):
        // it speaks from Warning up, unless a lower level was asked for to debug it.
        var framework = options.LogLevel < LogLevel.Information ? options.LogLevel : (LogLevel)Math.Max((int)options.LogLevel, (int)LogLevel.Warning);
        logging.AddFilter("Microsoft", framework);
        logging.AddFilter("System", framework);
        // The hosting layer starts an Activity and a log scope for every request whenever its category can log at
        // all (so that its lines can be correlated), 1-2% of a list page's CPU. From Warning up it has only the
        // "Application startup exception" line, which the host's own "Hosting failed to start" carries too.
        if (options.LogLevel >= LogLevel.Information) logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // The request line of a 500 carries its exception; the handler's own line would log it twice.
        logging.AddFilter("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware", LogLevel.None);
    }
}

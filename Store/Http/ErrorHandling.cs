using System.Text.RegularExpressions;
using Store.Storage;

namespace Store.Http;

/// <summary>
/// Turns everything that would otherwise leave the pipeline without a contract body into one:
/// binding failures (400 in ASP.NET by default) become the 422 list form, oversized bodies 413,
/// unknown routes a JSON 404, and anything unexpected a 500 without a stack trace.
/// </summary>
public static partial class ErrorHandling
{
    public static void UseStoreErrors(this WebApplication app)
    {
        // Only real faults reach the exception handler (and the log); client mistakes are answered below it.
        app.UseExceptionHandler(error => error.Run(context =>
            Errors.Detail(StatusCodes.Status500InternalServerError, "Internal server error").ExecuteAsync(context)));
        var space = app.Services.GetRequiredService<DiskSpace>();

        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception e) when (ClientMistake(e, context) is { } result && !context.Response.HasStarted)
            {
                Observability.RequestLog.Remember(context, e);
                await result.ExecuteAsync(context);
            }
            catch (Exception e) when (FullDisk(e, space) is { } detail && !context.Response.HasStarted)
            {
                await Errors.Detail(StatusCodes.Status507InsufficientStorage, detail).ExecuteAsync(context);
            }
        });

        app.UseStatusCodePages(async status =>
        {
            var response = status.HttpContext.Response;
            if (response.HasStarted || response.ContentLength > 0 || response.ContentType is not null) return;
            var detail = response.StatusCode switch
            {
                404 => "Not Found",
                405 => "Method Not Allowed",
                415 => "Unsupported Media Type",
                _ => ReasonPhrase(response.StatusCode),
            };
            await Errors.Detail(response.StatusCode, detail).ExecuteAsync(status.HttpContext);
        });
    }

    static IResult? ClientMistake(Exception exception, HttpContext context) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            Errors.Detail(StatusCodes.Status413PayloadTooLarge, "Request body too large"),
        BadHttpRequestException bad => BindingFailure(bad),
        ClientError client => Errors.Detail(client.StatusCode, client.Message),
        RequestShapeError shape => Errors.Validation(shape.Items),
        OperationCanceledException or IOException when context.RequestAborted.IsCancellationRequested =>
            Errors.Detail(499, "Client closed request"),
        _ => null,
    };

    /// <summary>Not the client's mistake, but no fault either: the write did not fit, and the answer says where.</summary>
    static string? FullDisk(Exception exception, DiskSpace space) =>
        exception is StorageFullError full ? full.Message : space.Describe(exception);

    static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";

    /// <summary>ASP.NET names the parameter in its message; the client gets it back as the loc.</summary>
    static IResult BindingFailure(BadHttpRequestException bad)
    {
        var match = ParameterName().Match(bad.Message);
        if (!match.Success) return Errors.Validation("body", "body", "Invalid request body", "value_error");
        var field = Naming.Snake(match.Groups["name"].Value);
        var (kind, code) = match.Groups["type"].Value switch
        {
            var t when t.Contains("Int") || t.Contains("int") || t.Contains("long") => ("a valid integer", "int_parsing"),
            var t when t.Contains("Bool") || t.Contains("bool") => ("a valid boolean", "bool_parsing"),
            _ => ("valid", "value_error"),
        };
        var location = bad.Message.Contains("from the request body") ? "body" : "query";
        return Errors.Validation(location, field, $"Input should be {kind}", code);
    }

    [GeneratedRegex("parameter \"(?<type>[^\"]*) (?<name>[A-Za-z_0-9]+)\"")]
    private static partial Regex ParameterName();
}

/// <summary>A client mistake found deep in a shared piece (e.g. a malformed multipart body); carries its status.</summary>
public sealed class ClientError(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}

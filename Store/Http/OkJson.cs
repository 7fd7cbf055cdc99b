using System.Buffers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Store.Http;

/// <summary>
/// A 200 with a JSON body as <see cref="Microsoft.AspNetCore.Http.HttpResults.Ok{TValue}"/> writes it (the app's JSON
/// options, its content type, its OpenAPI metadata), serialised first and sent with its Content-Length. Ok streams the
/// body chunked: the body goes out with its flush, and the empty last chunk with a send of its own when the request
/// ends, so every answer cost two sends and two wake-ups of the client. Here the body waits in Kestrel's buffer and
/// goes out with the headers in one send when the request ends (README, "The hot reads"). Serialised by the declared
/// type, which the hot reads' values are exactly, or by a hand-written writer that writes the same bytes
/// (<see cref="Store.Entities.Shared.EntityJson"/>), into a buffer the thread keeps (<see cref="JsonBuffer"/>).
/// </summary>
public sealed class OkJson<T> : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IContentTypeHttpResult
{
    const string JsonContentType = "application/json; charset=utf-8";

    readonly Action<Utf8JsonWriter, T>? write;

    internal OkJson(T value, Action<Utf8JsonWriter, T>? write = null)
    {
        Value = value;
        this.write = write;
    }

    public T Value { get; }

    object? IValueHttpResult.Value => Value;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public string ContentType => JsonContentType;

    public Task ExecuteAsync(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var (buffer, writer) = JsonBuffer.Rent(options);
        try
        {
            if (write is null) JsonSerializer.Serialize(writer, Value, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
            else write(writer, Value);
            writer.Flush();
            var response = context.Response;
            response.StatusCode = StatusCode;
            response.ContentType = JsonContentType;
            response.ContentLength = buffer.WrittenCount;
            // Copied into Kestrel's buffer, so the thread's buffer is free again; not flushed: Kestrel sends headers and
            // body together as the request completes.
            response.BodyWriter.Write(buffer.WrittenSpan);
        }
        finally
        {
            JsonBuffer.Return(buffer);
        }
        return Task.CompletedTask;
    }

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}

/// <summary>Makes <see cref="OkJson{T}"/>, as TypedResults.Ok makes Ok.</summary>
public static class OkJson
{
    public static OkJson<T> Of<T>(T value) => new(value);

    /// <summary>Written by <paramref name="write"/>, which must write what the serializer would (its tests say so).</summary>
    public static OkJson<T> Of<T>(T value, Action<Utf8JsonWriter, T> write) => new(value, write);
}

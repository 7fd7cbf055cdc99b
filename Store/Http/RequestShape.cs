using Microsoft.AspNetCore.Http.Features;

namespace Store.Http;

/// <summary>
/// Whether a request brought the kind of body its endpoint takes, checked before reading it: a missing
/// body or a wrong Content-Type is a request of the wrong shape, hence the 422 list form (contract section 7).
/// </summary>
public static class RequestShape
{
    /// <summary>Kestrel knows from Content-Length or chunked framing whether a body follows; an empty one counts as none.</summary>
    public static bool HasBody(HttpRequest request) =>
        request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;

    public static ValidationItem Missing(string expected) =>
        new(["body"], $"Field required: the request has no body; send {expected}", "missing");

    public static ValidationItem WrongType(string? contentType, string expected) =>
        new(["body"], $"Input should be {expected}, not {(contentType is { Length: > 0 } ? contentType : "a body without a Content-Type")}", "model_attributes_type");

    /// <summary>What is wrong with a request that should carry <paramref name="expected"/> and does not.</summary>
    public static ValidationItem Problem(HttpRequest request, string expected) =>
        HasBody(request) ? WrongType(request.ContentType, expected) : Missing(expected);
}

/// <summary>
/// A request of the wrong shape found in a shared reader (e.g. no multipart body where one is required):
/// answered with the 422 list form, like a binding failure.
/// </summary>
public sealed class RequestShapeError(IReadOnlyList<ValidationItem> items) : Exception(items[0].Msg)
{
    public IReadOnlyList<ValidationItem> Items { get; } = items;

    public RequestShapeError(ValidationItem item) : this([item]) { }
}

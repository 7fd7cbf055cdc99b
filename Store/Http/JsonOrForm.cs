using System.Text.Json;
using FluentValidation.Results;

namespace Store.Http;

/// <summary>What an endpoint that takes a JSON object or a form received, before its validator judges it.</summary>
public enum BodyKind { Object, Form, Missing, Unsupported, NotJson, NotObject, BadText }

/// <summary>
/// The body of an endpoint that takes a JSON object or a form (PATCH /entities/{id}, PUT /admin/config/read-auth).
/// Reading never fails on the client's input: what is wrong is kept in <see cref="Kind"/> for the validator.
/// </summary>
public sealed record JsonOrForm(BodyKind Kind, JsonElement Json, IReadOnlyDictionary<string, string> Fields, string? ContentType)
{
    static readonly IReadOnlyDictionary<string, string> NoFields = new Dictionary<string, string>();

    public static async Task<JsonOrForm> ReadAsync(HttpRequest request, string tempDir, CancellationToken ct)
    {
        var contentType = request.ContentType;
        if (!RequestShape.HasBody(request)) return new(BodyKind.Missing, default, NoFields, contentType);
        if (request.HasFormContentType) return new(BodyKind.Form, default, await FormBody.ReadFieldsAsync(request, tempDir, ct), contentType);
        // A body without a Content-Type is read as JSON, the format these endpoints document first.
        if (!string.IsNullOrEmpty(contentType) && !request.HasJsonContentType()) return new(BodyKind.Unsupported, default, NoFields, contentType);
        try
        {
            using var json = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            var root = json.RootElement.Clone();
            if (!JsonText.HasOnlyValidStrings(root)) return new(BodyKind.BadText, default, NoFields, contentType);
            return new(root.ValueKind == JsonValueKind.Object ? BodyKind.Object : BodyKind.NotObject, root, NoFields, contentType);
        }
        catch (JsonException)
        {
            return new(BodyKind.NotJson, default, NoFields, contentType);
        }
    }

    public bool Usable => Kind is BodyKind.Object or BodyKind.Form;

    /// <summary>The list-form failure (loc ["body"]) for a body that is not a JSON object or a form; null when it is one.</summary>
    public ValidationFailure? Failure(string expected) => Kind switch
    {
        BodyKind.Missing => Body(RequestShape.Missing(expected)),
        BodyKind.Unsupported => Body(RequestShape.WrongType(ContentType, expected)),
        BodyKind.NotJson => Body(new(["body"], $"Invalid JSON: send {expected}", "json_invalid")),
        BodyKind.BadText => Body(new(["body"], "Invalid JSON: a string holds a lone surrogate or bytes that are not UTF-8", "json_invalid")),
        BodyKind.NotObject => Body(new(["body"], "Input should be a valid dictionary or object", "model_attributes_type")),
        _ => null,
    };

    // An empty property name is the body itself: Errors.Validation turns it into loc ["body"].
    static ValidationFailure Body(ValidationItem item) => new("", item.Msg) { ErrorCode = item.Type };
}

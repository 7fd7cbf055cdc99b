using FluentValidation.Results;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Store.Http;

/// <summary>The contract's error body: <c>{"detail": "text"}</c>.</summary>
public sealed record ErrorBody(string Detail);

/// <summary>One entry of the 422 list form: where, what, and a machine-readable kind.</summary>
public sealed record ValidationItem(IReadOnlyList<object> Loc, string Msg, string Type);

/// <summary>The 422 list form: <c>{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}</c>.</summary>
public sealed record ValidationErrorBody(IReadOnlyList<ValidationItem> Detail);

public static class Errors
{
    /// <summary>Untyped, for middleware and statuses no handler declares (413, 500…).</summary>
    public static IResult Detail(int status, string detail) => TypedResults.Json(new ErrorBody(detail), statusCode: status);

    public static NotFound<ErrorBody> NotFound(string detail) => TypedResults.NotFound(new ErrorBody(detail));

    public static Conflict<ErrorBody> Conflict(string detail) => TypedResults.Conflict(new ErrorBody(detail));

    /// <summary>A 422 about stored data (parent not a collection, a cycle…), in the plain detail form.</summary>
    public static UnprocessableEntity<ErrorBody> Unprocessable(string detail) => TypedResults.UnprocessableEntity(new ErrorBody(detail));

    /// <summary>A 422 about the request's shape, in the list form.</summary>
    public static UnprocessableEntity<ValidationErrorBody> Validation(IEnumerable<ValidationItem> items) =>
        TypedResults.UnprocessableEntity(new ValidationErrorBody(items.ToList()));

    public static UnprocessableEntity<ValidationErrorBody> Validation(string location, string field, string message, string type = "value_error") =>
        Validation([new ValidationItem([location, field], message, type)]);

    /// <summary>
    /// Maps FluentValidation failures to the list form; the property name is the wire field name, and an
    /// empty one means the whole <paramref name="location"/> (a body that is not an object, say).
    /// </summary>
    public static UnprocessableEntity<ValidationErrorBody> Validation(ValidationResult result, string location) =>
        Validation(result.Errors.Select(e => new ValidationItem(
            string.IsNullOrEmpty(e.PropertyName) ? [location] : [location, e.PropertyName],
            e.ErrorMessage,
            string.IsNullOrEmpty(e.ErrorCode) || e.ErrorCode.EndsWith("Validator") ? "value_error" : e.ErrorCode)));
}

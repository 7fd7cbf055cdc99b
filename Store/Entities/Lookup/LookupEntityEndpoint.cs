using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Store.Data;
using Store.Entities.Shared;
using Store.Http;

namespace Store.Entities.Lookup;

/// <summary>The query of GET /entities/lookup: an empty value counts as not given (the Dart SDK may send "").</summary>
public sealed record LookupEntityQuery
{
    /// <summary>The content hash (the entity's md5 field) or the plain MD5 of the file's bytes.</summary>
    [FromQuery(Name = "md5")] public string? Md5 { get; init; }
    /// <summary>The exact label of a collection.</summary>
    [FromQuery(Name = "label")] public string? Label { get; init; }

    public string? Hash => string.IsNullOrWhiteSpace(Md5) ? null : Md5.Trim().ToLowerInvariant();
    public string? CollectionLabel => string.IsNullOrEmpty(Label) ? null : Label;
}

public sealed class LookupEntityValidator : AbstractValidator<LookupEntityQuery>
{
    public LookupEntityValidator() =>
        RuleFor(q => q).Must(q => q.Hash is not null || q.CollectionLabel is not null)
            .WithMessage("Give md5 (a media item's content hash or the MD5 of its file) or label (a collection's)");
}

public static class LookupEntityEndpoint
{
    static readonly LookupEntityValidator Validator = new();

    public static void MapLookupEntity(this ApiGroup routes) =>
        routes.MapGet("/lookup", Handle)
            .WithName("LookupEntity")
            .WithSummary("Find the media item with a hash, or the collection with a label")
            .WithDescription("md5 matches a media item's content hash or the plain MD5 of its file's bytes (what a client can compute " +
                             "before uploading); label matches a collection's label exactly. Soft-deleted entities are not looked at; " +
                             "md5 decides when both are given. 400 with neither, 404 for no match, 409 when several match.");

    public static async Task<Results<Ok<Entity>, BadRequest<ErrorBody>, NotFound<ErrorBody>, Conflict<ErrorBody>>> Handle(
        [AsParameters] LookupEntityQuery query, Db db, CancellationToken ct)
    {
        var validation = Validator.Validate(query);
        if (!validation.IsValid) return TypedResults.BadRequest(new ErrorBody(validation.Errors[0].ErrorMessage));

        await using var connection = await db.OpenAsync(ct);
        var found = query.Hash is { } hash
            ? await LookupEntitySql.MediaByHashAsync(connection, hash)
            : await LookupEntitySql.CollectionsByLabelAsync(connection, query.CollectionLabel!);
        return found.Count switch
        {
            0 => Errors.NotFound("No matching entity found"),
            1 => TypedResults.Ok(found[0]),
            _ => Errors.Conflict($"Multiple matches found: entities {string.Join(", ", found.Select(e => e.Id))}"),
        };
    }
}

using FluentValidation;
using Store.Http;

namespace Store.Entities.Shared;

/// <summary>The form fields of POST /entities and PUT /entities/{id} as the client sent them, before any parsing.</summary>
public sealed record EntityForm(string? IsCollection, string? Label, string? Description, string? ParentId, UploadedFile? Image)
{
    /// <summary>
    /// The file comes as <c>media_file</c> (today's CL SDKs) or <c>image</c> (the seed's name); when both are sent,
    /// <c>media_file</c> is the one stored, as the later CL servers do (contract section 8).
    /// </summary>
    public static EntityForm From(MultipartForm form) =>
        new(form.Field("is_collection"), form.Field("label"), form.Field("description"), form.Field("parent_id"),
            form.File("media_file") ?? form.File("image"));

    public bool Collection => FormValues.TryBool(IsCollection, out var value) && value;
    public long? Parent => FormValues.TryOptionalLong(ParentId, out var value) ? value : null;
}

/// <summary>
/// The rules create and replace share. Each slice's validator calls them in field order, between its own
/// rules, so that errors come back in the order of the form's fields.
/// </summary>
public abstract class EntityFormValidator : AbstractValidator<EntityForm>
{
    protected void IsCollectionIsABoolean() =>
        RuleFor(f => f.IsCollection)
            .NotNull().WithMessage("Field required").WithErrorCode("missing")
            .Must(v => FormValues.TryBool(v, out _)).WithMessage("Input should be a valid boolean").WithErrorCode("bool_parsing")
            .When(f => f.IsCollection is not null, ApplyConditionTo.CurrentValidator);

    protected void ParentIdIsAnInteger() =>
        RuleFor(f => f.ParentId)
            .Must(v => FormValues.TryOptionalLong(v, out _)).WithMessage("Input should be a valid integer").WithErrorCode("int_parsing");

    protected void CollectionHasNoFile() =>
        RuleFor(f => f.Image)
            .Null().WithMessage("A collection cannot have a file").WithErrorCode("value_error")
            .When(f => f.Collection);
}

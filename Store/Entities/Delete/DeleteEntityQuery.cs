using FluentValidation;
using Store.Http;

namespace Store.Entities.Delete;

/// <summary>The query of DELETE /entities/{id}, as text: recursive takes true/false or 1/0 in any case.</summary>
public sealed record DeleteEntityQuery(string? Recursive)
{
    public bool Deep => FormValues.TryBool(Recursive, out var value) && value;
}

public sealed class DeleteEntityValidator : AbstractValidator<DeleteEntityQuery>
{
    public DeleteEntityValidator()
    {
        RuleFor(q => q.Recursive).Must(v => FormValues.TryBool(v, out _))
            .WithMessage("Input should be a valid boolean").WithErrorCode("bool_parsing")
            .When(q => q.Recursive is not null);
    }
}

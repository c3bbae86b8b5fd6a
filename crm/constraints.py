"""Database constraints in words (issue 14): a violated constraint is shown next to the field it is about, as a
sentence a user understands ("Tier A must be above tier B"), never as Django's "Constraint “policy_a_above_b” is
violated"."""

from collections.abc import Mapping
from typing import ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router
from django.utils.functional import Promise


class ConstraintWords:
    """Model mixin. ``constraint_words`` maps each constraint's name to (the field it is shown next to, or None for
    the whole form; the words). Forms, the admin, the API and ``full_clean`` all check constraints through
    ``validate_constraints``, so every entry point says the same. A constraint without words keeps Django's message
    (a plain unique constraint's "… with this … already exists" is already words)."""

    constraint_words: ClassVar[Mapping[str, tuple[str | None, Promise]]] = {}

    def validate_constraints(self, exclude=None) -> None:
        errors: dict[str, list[ValidationError]] = {}
        using = router.db_for_write(type(self), instance=self)
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    field, words = self._constraint_error(constraint, error)
                    errors.setdefault(field, []).append(words)
        if errors:
            raise ValidationError(errors)

    def _constraint_error(self, constraint: models.BaseConstraint, error: ValidationError) -> tuple[str, object]:
        if constraint.name in self.constraint_words:
            field, words = self.constraint_words[constraint.name]
            return field or NON_FIELD_ERRORS, ValidationError(words, code=constraint.name)
        fields = getattr(constraint, "fields", ())
        if getattr(error, "code", None) == "unique" and len(fields) == 1:  # as Django does
            return fields[0], error
        return NON_FIELD_ERRORS, error


def needs_words(constraint: models.BaseConstraint) -> bool:
    """Whether Django would name the constraint to the user: every check constraint, and a unique constraint with a
    condition or an expression (a plain one says "… with this … already exists")."""
    if isinstance(constraint, models.CheckConstraint):
        return True
    return isinstance(constraint, models.UniqueConstraint) and bool(constraint.condition or constraint.expressions)

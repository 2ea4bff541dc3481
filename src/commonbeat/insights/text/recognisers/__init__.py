"""Recognisers of personal details: the rules (`rules`, plain Python), the word lists they use (`names`), and
their Presidio wrappers with the NLP engine on blank spaCy pipelines (`presidio`)."""

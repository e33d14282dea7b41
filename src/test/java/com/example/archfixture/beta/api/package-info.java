/** A sub-package that beta exposes as a named interface: other modules may use it. */
@org.springframework.modulith.NamedInterface("api")
package com.example.archfixture.beta.api;
